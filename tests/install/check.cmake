# Installs ctorch from SRC_DIR into WORK/prefix, then configures and builds a one-file consumer that
# uses find_package(ctorch) and runs it.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/consumer)
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGV}\n${out}\n${err}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SRC_DIR} -B ${WORK}/build -G ${GEN} -DCTORCH_BUILD_TESTS=OFF -DCTORCH_BUILD_EXAMPLES=OFF
    -DCTORCH_CUDA=OFF -DCMAKE_INSTALL_PREFIX=${WORK}/prefix)
run(${CMAKE_COMMAND} --install ${WORK}/build)
file(WRITE ${WORK}/consumer/CMakeLists.txt "cmake_minimum_required(VERSION 3.25)
project(consumer LANGUAGES CXX)
find_package(ctorch 0.1 REQUIRED)
add_executable(consumer main.cpp)
target_link_libraries(consumer PRIVATE ctorch::ctorch)
")
file(WRITE ${WORK}/consumer/main.cpp "#include <ctorch/ctorch.hpp>
int main() {
  ctorch::Tensor<float, ctorch::Shape<2, 2>> a{{1, 2}, {3, 4}};
  ctorch::Tensor<float, ctorch::Shape<2, 2>> b = a * 2.0f + 1.0f;
  return b.at(1, 1) == 9.0f ? 0 : 1;
}
")
run(${CMAKE_COMMAND} -S ${WORK}/consumer -B ${WORK}/consumer/build -G ${GEN} -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/consumer/build)
run(${WORK}/consumer/build/consumer)
message(STATUS "installed, found with find_package(ctorch), built and ran a consumer")
